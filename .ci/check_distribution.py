"""Build the wheel and the sdist and check what they ship (run by .ci/run).

Both must carry the licence text, the wheel's metadata must declare it, and
the wheel must hold the library and nothing of the suite or the tests.
"""

import pathlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile


def main():
    root = pathlib.Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "build", "--outdir", out, str(root)],
                       check=True, stdout=subprocess.DEVNULL)
        (wheel,) = pathlib.Path(out).glob("*.whl")
        (sdist,) = pathlib.Path(out).glob("*.tar.gz")
        names = zipfile.ZipFile(wheel).namelist()
        metadata = zipfile.ZipFile(wheel).read(
            next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        sdist_names = tarfile.open(sdist).getnames()
        problems = []
        if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
            problems.append(f"{wheel.name} ships no LICENSE")
        if "License-Expression: Apache-2.0" not in metadata:
            problems.append(f"{wheel.name} metadata declares no Apache-2.0 licence")
        if not any(n.endswith("/LICENSE") for n in sdist_names):
            problems.append(f"{sdist.name} ships no LICENSE")
        stray = sorted({n.split("/")[0] for n in names
                        if not n.startswith(("kreg/", "kreg-"))})
        if stray:
            problems.append(f"{wheel.name} ships more than the library: {stray}")
        if problems:
            sys.exit("CI: " + "; ".join(problems))
        print(f"CI: {wheel.name} and {sdist.name} ship the licence and the "
              f"library only ({len(names)} files in the wheel)")


if __name__ == "__main__":
    main()
