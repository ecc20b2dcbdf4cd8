"""The articles the suite reproduces and the script of each, main job first.

The one list of them: the results index and `python -m reproductions` read
it, so that both name an article the same way (title, author, a public link
where one exists) and in the same order.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    number: str  # "000" .. "004", as the suite numbers the articles
    title: str
    author: str  # "" where the copy we reproduce names nobody
    link: str = ""  # a public address, where one is known

    def citation(self):
        """`Article 000: Author, "Title", link`, without what is unknown."""
        parts = [f'"{self.title}"']
        if self.author:
            parts.insert(0, self.author)
        if self.link:
            parts.append(self.link)
        return f"Article {self.number}: " + ", ".join(parts)


@dataclass(frozen=True)
class Script:
    name: str  # reproductions/<name>.py, results/<name>/
    article: Article
    shows: str
    uses_mnist: bool = False  # takes --data


_GREYDANUS = Article(
    "000", "Regularization for Neural Networks", "Sam Greydanus (2016)",
    "https://greydanus.github.io/2016/09/05/regularization/")
_OVERVIEW = Article("001", "Regularization in deep learning", "")
_CS231N = Article(
    "002", "Regularization",
    "Stanford CS231n course notes, Neural Networks Part 2 (Andrej Karpathy)",
    "https://cs231n.github.io/neural-networks-2/#reg")
_CHEN = Article(
    "003", "Does Dropout or Batch Normalization actually perform better than "
    "L2 regularization?", "Tian Qi (Ricky) Chen, UBC CPSC 522 wiki",
    "https://wiki.ubc.ca/Course:CPSC522/Regularization_for_Neural_Networks")
_INTUITION = Article(
    "004", "Intuitive understanding of regularization in deep learning", "")

SCRIPTS = (
    Script("mnist_weight_images", _GREYDANUS,
           "the main job: MNIST weight images of a 784x10 softmax network "
           "under five regularizers", uses_mnist=True),
    Script("iris_histograms", _OVERVIEW,
           "L1 vs L2 weight histograms on iris"),
    Script("regularization_overview", _OVERVIEW,
           "dropout, early stopping, augmentation and dense-sparse-dense on "
           "LeNet-5", uses_mnist=True),
    Script("cs231n_regularization", _CS231N,
           "L2, L1, elastic net, max norm and dropout on a 3-layer MLP",
           uses_mnist=True),
    Script("toy_regression", _CHEN,
           "dropout vs batch norm vs L2 on a toy regression and an autoencoder",
           uses_mnist=True),
    Script("regularization_intuition", _INTUITION,
           "L2 and dropout sweeps on a noisy periodic signal"),
)


def script_names():
    """The scripts' names, main job first."""
    return [script.name for script in SCRIPTS]


def script_named(name):
    """The `Script` called `name`, or `None`."""
    return next((script for script in SCRIPTS if script.name == name), None)
