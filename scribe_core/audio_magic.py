"""First look at an upload: its magic bytes, before FFmpeg ever sees it.

Executables, documents, images, archives and text are refused here on their first bytes; an audio
signature (RIFF/WAVE, ID3 or an MPEG frame, fLaC, OggS, EBML, ftyp...) names the format a damaged file
claims to be, so the message can say "starts like MP3 audio but is damaged".
"""

from __future__ import annotations

from pathlib import Path

from .errors import InvalidAudioError

EXPORT_HINT = "Export it again as WAV, MP3, M4A, WebM, OGG or FLAC."


class AudioRejected(InvalidAudioError):
    """An upload refused by `validate`; `code` names the check (see the module docstring)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_EXECUTABLES = (
    (b"\x7fELF", "a Linux program (ELF)"),
    (b"MZ", "a Windows program (EXE/DLL)"),
    (b"\xfe\xed\xfa\xce", "a macOS program (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "a macOS program (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "a macOS program (Mach-O)"),
    (b"\xcf\xfa\xed\xfe", "a macOS program (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"\x00asm", "a WebAssembly program"),
)

_NOT_AUDIO = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF87a", "an image (GIF)"),
    (b"GIF89a", "an image (GIF)"),
    (b"BM", None),  # BMP: confirmed below, two bytes alone are too weak
    (b"II*\x00", "an image (TIFF)"),
    (b"MM\x00*", "an image (TIFF)"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a compressed archive (gzip)"),
    (b"7z\xbc\xaf\x27\x1c", "a compressed archive (7-Zip)"),
    (b"Rar!\x1a\x07", "a compressed archive (RAR)"),
    (b"BZh", None),
    (b"\xfd7zXZ\x00", "a compressed archive (xz)"),
    (b"\x28\xb5\x2f\xfd", "a compressed archive (zstd)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document"),
    (b"{\\rtf", "a text document (RTF)"),
    (b"SQLite format 3\x00", "a database file"),
)


def check_magic(head: bytes) -> None:
    """Refuse executables, documents, images, archives and text before FFmpeg sees a byte."""
    if head.startswith(b"#!") and not head.startswith(b"#!AMR"):
        raise AudioRejected("executable", "The file is a script (a program), not a recording. Upload a sound file.")
    what: str | None
    for magic, what in _EXECUTABLES:
        if head.startswith(magic):
            raise AudioRejected("executable", f"The file is {what}, not a recording. Upload a sound file.")
    for magic, what in _NOT_AUDIO:
        if not head.startswith(magic):
            continue
        if magic == b"BM" and not (len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00"):
            continue
        if magic == b"BZh" and not (len(head) >= 4 and head[3:4] in b"123456789"):
            continue
        what = what or ("an image (BMP)" if magic == b"BM" else "a compressed archive (bzip2)")
        raise AudioRejected("not_audio", f"The file is {what}, not a recording. Upload a sound file.")
    if _looks_like_text(head):
        lowered = head[:1024].lower()
        if b"<html" in lowered or b"<!doctype html" in lowered:
            what = "a web page (HTML)"
        elif lowered.lstrip().startswith((b"<?xml", b"<svg")):
            what = "an XML or SVG document"
        else:
            what = "a text document"
        raise AudioRejected("not_audio", f"The file is {what}, not a recording. Upload a sound file.")


def audio_signature(path: Path) -> str | None:
    """The audio format a file's first bytes announce, if any (used only to word a rejection)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return None
    if head.startswith(b"ID3") or _mpeg_audio_frame_header(head):
        return "MP3"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "WAV"
    if head.startswith(b"fLaC"):
        return "FLAC"
    if head.startswith(b"OggS"):
        return "OGG"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "WebM"
    if head[4:8] == b"ftyp":
        return "M4A/MP4"
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "AIFF"
    return None




def _mpeg_audio_frame_header(head: bytes) -> bool:
    """An MPEG audio frame header: sync word, no reserved version / layer / bitrate / sample rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3


def _looks_like_text(head: bytes) -> bool:
    """Plain text (ASCII or UTF-8, optionally with a BOM): no audio container starts like this."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 BOM
        sample = head[2:]
        return len(sample) >= 8 and all(b == 0 for b in sample[1 if head[0] == 0xFF else 0::2][:64])
    sample = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if not sample or b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # only a multi-byte character cut at the end is allowed
            return False
        text = sample[: exc.start].decode("utf-8")
    if not text:
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r\f")
    return printable / len(text) >= 0.97


# -- FFmpeg ---------------------------------------------------------------------------------------------------
