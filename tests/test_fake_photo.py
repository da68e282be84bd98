"""The fake Bot API rejects photos Telegram would reject: not an image, over 10 MB, bad dimensions."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from telegram.error import BadRequest

from fakes.bot_api import FakeBotAPI
from fakes.ptb import AnyApplication

pytest_plugins = ["fakes.fixtures"]

USER = 4343


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


async def test_a_real_photo_is_accepted_with_its_sizes(fake_api: FakeBotAPI, ptb_app: AnyApplication) -> None:
    fake_api.register_user(USER)
    message = await ptb_app.bot.send_photo(USER, _png(1280, 800), caption="<b>граф</b>", parse_mode="HTML")
    largest = message.photo[-1]
    assert (largest.width, largest.height) == (1280, 800)
    assert [p.width for p in message.photo] == [90, 320, 800, 1280]
    assert fake_api.file_content(largest.file_id) == _png(1280, 800)
    big = await ptb_app.bot.send_photo(USER, _png(2048, 1280))
    assert (big.photo[-1].width, big.photo[-1].height) == (1280, 800)  # Telegram keeps at most 1280


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n not really a png", "IMAGE_PROCESS_FAILED"),
        (b"plain text", "IMAGE_PROCESS_FAILED"),
        (_png(6000, 4100), "PHOTO_INVALID_DIMENSIONS"),  # 10,100 px in total
        (_png(2100, 100), "PHOTO_INVALID_DIMENSIONS"),  # ratio 21
        (_png(10, 1000), "PHOTO_INVALID_DIMENSIONS"),  # ratio 100, upright
        (_png(100, 100) + b"\0" * (10 * 1024 * 1024), "PHOTO_SAVE_FILE_INVALID"),  # over 10 MB
    ],
)
async def test_photos_telegram_rejects(fake_api: FakeBotAPI, ptb_app: AnyApplication, content: bytes,
                                       reason: str) -> None:
    fake_api.register_user(USER)
    with pytest.raises(BadRequest, match=f"(?i){reason}"):
        await ptb_app.bot.send_photo(USER, content)
    assert fake_api.rejected


async def test_limits_are_inclusive(fake_api: FakeBotAPI, ptb_app: AnyApplication) -> None:
    fake_api.register_user(USER)
    for size in ((5000, 5000), (2000, 100)):  # 10,000 in total; ratio exactly 20
        message = await ptb_app.bot.send_photo(USER, _png(*size))
        assert message.photo
