"""The input model: per-frame values (CONFORMANCE.md), channel images and sampler options."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from glslc.errors import InputError
from glslc.runtime.channels import Channel, load_channel, parse_channel_arg
from glslc.runtime.inputs import RenderInputs, make_frames, role_of, uniform_values


def test_conformance_frames():
    inp = RenderInputs.conformance()
    assert (inp.width, inp.height) == (128, 128) and inp.channels == [None] * 4
    f1, f2 = inp.frames
    assert (f1.time, f1.frame, f2.time, f2.frame) == (1.0, 60, 4.7, 282)
    assert f1.date == (2021.0, 10.0, 3.0, 43201.0) and f2.date[3] == pytest.approx(43204.7)
    assert f1.time_delta == pytest.approx(1 / 60) and f1.frame_rate == 60.0 and f1.mouse == (0, 0, 0, 0)
    v = uniform_values(inp, f2)
    assert v["resolution3"] == (128.0, 128.0, 1.0) and v["channel_time"] == (4.7,) * 4
    assert v["channel_resolution"] == ((0.0, 0.0, 0.0),) * 4 and v["sample_rate"] == 44100.0


def test_overrides_and_errors():
    (f,) = make_frames([2.0], frame=7, mouse=[10, 20], date=[2000, 0, 1])
    assert f.frame == 7 and f.mouse == (10.0, 20.0, 0.0, 0.0) and f.date == (2000.0, 0.0, 1.0, 43202.0)
    with pytest.raises(ValueError, match="mouse takes 2 or 4"):
        make_frames([0.0], mouse=[1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        make_frames([float("nan")])
    with pytest.raises(ValueError, match="out of range"):
        RenderInputs(0, 10, make_frames([0.0]))


def test_bound_channel_resolution_and_roles():
    ch = Channel.from_image(np.zeros((3, 5, 4), np.uint8))
    inp = RenderInputs(16, 8, make_frames([0.0]), [None, ch])
    v = uniform_values(inp, inp.frames[0])
    assert v["channel_resolution"][1] == (5.0, 3.0, 1.0) and v["channel_resolution"][0] == (0.0, 0.0, 0.0)
    assert role_of("iMouse") == "mouse" and role_of("resolution") == "resolution2" and role_of("nope") is None


def test_vflip_puts_the_picture_bottom_row_at_v0():
    picture = np.zeros((2, 1, 3), np.uint8)
    picture[0, 0] = (255, 0, 0)  # top row red
    picture[1, 0] = (0, 0, 255)  # bottom row blue
    flipped = Channel.from_image(picture, vflip=True)
    assert tuple(flipped.data[0, 0]) == (0.0, 0.0, 1.0, 1.0)  # v = 0 is the bottom of the picture
    assert tuple(Channel.from_image(picture, vflip=False).data[0, 0]) == (1.0, 0.0, 0.0, 1.0)


def test_grey_and_grey_alpha_images_expand_to_rgba():
    grey = Channel.from_image(np.full((1, 1), 51, np.uint8))
    assert np.allclose(grey.data[0, 0], (0.2, 0.2, 0.2, 1.0))
    ga = Channel.from_image(np.array([[[51, 102]]], np.uint8))
    assert np.allclose(ga.data[0, 0], (0.2, 0.2, 0.2, 0.4))


def test_load_and_parse_channel_args(tmp_path):
    p = tmp_path / "t.png"
    Image.fromarray(np.full((4, 6, 3), 255, np.uint8)).save(p)
    ch = load_channel(p)
    assert (ch.width, ch.height, ch.filter, ch.wrap, ch.vflip) == (6, 4, "mipmap", "repeat", True)
    ch = parse_channel_arg(f"{p},filter=nearest,wrap=clamp,vflip=false")
    assert (ch.filter, ch.wrap, ch.vflip) == ("nearest", "clamp", False)
    assert parse_channel_arg(str(p), {"filter": "linear", "wrap": "clamp", "vflip": False}).filter == "linear"
    with pytest.raises(InputError, match="bad channel option"):
        parse_channel_arg(f"{p},colour=red")
    with pytest.raises(InputError, match="unknown filter"):
        parse_channel_arg(f"{p},filter=cubic")
    with pytest.raises(InputError, match="vflip takes"):
        parse_channel_arg(f"{p},vflip=maybe")


def test_unreadable_images(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG not really")
    with pytest.raises(InputError, match="cannot read image"):
        load_channel(bad)
    with pytest.raises(InputError, match="no such image"):
        load_channel(tmp_path / "missing.png")
