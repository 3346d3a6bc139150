"""Live visits: the microphone streamed while the doctor and patient talk.

    pcm.py              browser frames (48 kHz, any layout) to 16 kHz mono 16-bit PCM; level meter
    transcript.py       the running transcript: final turns in order plus the turn in progress
    errors.py           what can go wrong while streaming, as clear messages
    assemblyai_stream.py  AssemblyAI Universal-Streaming v3 over WebSocket, reconnecting without loss
    local_agreement.py  the LocalAgreement-2 policy: show only words two decodes agree on
    offline_stream.py   faster-whisper over a rolling window with that policy, fully local
    short_window.py     Whisper encoding only the window's own audio (not 30 s of padding), for the live pass
    session.py          LiveSession: start / pause / resume / stop, timer, level, transcript
    settings.py         the live-visit settings
    visits.py           the use cases: begin (with consent), stop, finish, discard, interrupted

The journal that encrypts every chunk as it arrives and the files of a visit not yet finished are
persistence (storage/live_journal.py, storage/live_visits.py); the rules about unfinished visits and
their retention are a use case (usecases/unfinished_visits.py), which the retention sweep runs.
"""
