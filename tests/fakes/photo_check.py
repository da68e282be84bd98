"""Telegram's checks on a photo sent with sendPhoto (https://core.telegram.org/bots/api#sendphoto).

"The photo must be at most 10 MB in size. The photo's width and height must not exceed 10000 in
total. Width and height ratio must be at most 20." A file that is not an image Telegram can decode
fails too. The errors are Telegram's own descriptions, so PTB raises the same BadRequest.
"""

from __future__ import annotations

import io
from typing import Any, Final

from PIL import Image, UnidentifiedImageError

from .errors import bad_request

MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
MAX_SIDES_SUM: Final = 10_000
MAX_RATIO: Final = 20.0
#: The sizes Telegram keeps of a photo (longest side); the original is recompressed to 1280.
_SIDES: Final = (90, 320, 800, 1280)


def check_photo(content: bytes) -> tuple[int, int]:
    """(width, height) of a photo Telegram would accept; ApiError (400) otherwise."""
    if len(content) > MAX_PHOTO_BYTES:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            # Dimensions are checked before decoding the pixels, as a bomb of a header would
            # otherwise make the fake itself allocate gigabytes.
            if width <= 0 or height <= 0 or width + height > MAX_SIDES_SUM:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            if max(width, height) / min(width, height) > MAX_RATIO:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None
    return width, height


def photo_sizes(file_id: str, file_unique_id: str, width: int, height: int, file_size: int) -> list[dict[str, Any]]:
    """The PhotoSize list Telegram answers with: the photo scaled to each stored size, up to its own."""
    out: list[dict[str, Any]] = []
    longest = max(width, height)
    for i, side in enumerate(_SIDES):
        scale = min(1.0, side / longest)
        last = side >= longest or i == len(_SIDES) - 1
        out.append({
            "file_id": file_id if last else f"{file_id}_{side}",
            "file_unique_id": file_unique_id if last else f"{file_unique_id}{i}",
            "width": max(1, round(width * scale)), "height": max(1, round(height * scale)),
            "file_size": file_size if last else min(file_size, side * side // 4),
        })
        if last:
            break
    return out
