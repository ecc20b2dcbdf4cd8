"""Named architectures the reproductions train. Import from the modules
(`kreg.models.lenet5`, ...)."""
