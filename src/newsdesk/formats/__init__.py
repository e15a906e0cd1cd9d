"""Text formats of a written story: the house layout (seed 000) and the voice layout (seed 001),
each written and read back exactly."""

from newsdesk.formats.house import (
    LayoutError,
    parse_house,
    parse_house_file,
    render_house,
    render_house_file,
)
from newsdesk.formats.payload import StoryPayload, VoicePayload
from newsdesk.formats.voice import VoiceText, parse_voice, render_voice

__all__ = [
    "LayoutError",
    "StoryPayload",
    "VoicePayload",
    "VoiceText",
    "parse_house",
    "parse_house_file",
    "parse_voice",
    "render_house",
    "render_house_file",
    "render_voice",
]
