"""LibreOffice Calc, headless, as the tests' independent spreadsheet program."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SOFFICE = Path("/usr/bin/soffice")
# LibreOffice's csv export filter: comma, double quote, UTF-8, from line 1, each cell's value (not
# as shown), and the last token -1: every sheet, each to <file>-<sheet name>.csv
CSV_EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def libreoffice_convert(path: Path, tmp_path: Path, to: str) -> Path:
    """The file converted by LibreOffice (`to`: a --convert-to target); the folder it is in."""
    if not SOFFICE.exists():
        pytest.fail(f"{SOFFICE} is missing: `make test` installs Debian's libreoffice-calc-nogui")
    out = tmp_path / "converted"
    done = subprocess.run(
        [
            str(SOFFICE),
            # a profile of its own, so runs at the same time do not share (and lock) one
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out
