"""Does a screenshot of the window show a run? (tests/smoke_xvfb.sh)

    python -m tests.shot_colours SHOT.png

Prints what it counted; exits 1 if the picture is nearly blank (few colours)
or the running bars' sky blue covers less than MIN_BAR_PIXELS (the lanes of a
run that really ran: a window before its run has no bars at all).
"""

from __future__ import annotations

import sys

import numpy as np
from PySide6.QtGui import QColor, QImage

from gui.palette import SKY_BLUE

MIN_COLOURS = 64
MIN_BAR_PIXELS = 5_000  # two 1-s bars at 1280 px wide are ~30 000


def main(path: str) -> int:
    image = QImage(path)
    if image.isNull():
        print(f"{path}: not a readable picture")
        return 1
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32)
    pixels = pixels.reshape(image.height(), image.bytesPerLine() // 4)
    pixels = pixels[:, : image.width()] & 0xFFFFFF
    colours = len(np.unique(pixels))
    blue = int(np.count_nonzero(pixels == QColor(SKY_BLUE).rgb() & 0xFFFFFF))
    print(
        f"{image.width()}x{image.height()}: {colours} colours, "
        f"{blue} px of the running bars' blue"
    )
    return 0 if colours >= MIN_COLOURS and blue >= MIN_BAR_PIXELS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
