"""Write a results table as CSV and Markdown side by side."""

import os


def write_table(frame, folder, name, float_format="%.4g"):
    """Writes `frame` (a pandas DataFrame) to `name.csv` and `name.md`."""
    frame.to_csv(os.path.join(folder, f"{name}.csv"), index=False)
    markdown = frame.to_markdown(index=False, floatfmt=".4g")
    with open(os.path.join(folder, f"{name}.md"), "w") as f:
        f.write(markdown + "\n")
    return markdown
