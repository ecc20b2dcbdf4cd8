"""Named architectures the reproductions train. Import from the modules
(`harness.models.lenet5`, ...)."""
