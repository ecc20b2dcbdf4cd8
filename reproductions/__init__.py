"""One script per article: each regenerates its article's tables and figures.

Run a script directly (`python reproductions/mnist_weight_images.py`); the
package form exists so that tests and benchmarks can import their pieces.
"""
