"""Security tests: uploads are judged by content, and no input crashes or hangs the validator."""

from tests.audio_files import CODECS, signal, streamed_webm, tone_file, video_without_audio, write_audio  # noqa: F401 (shared by the test modules)
