"""scribe_core: the AI medical scribe's core. It does all the real work and owns every rule; the
Streamlit pages (pages/, ui/) and the CLI only display and ask.

    model.py, errors.py   the domain: encounters, transcripts, notes, tombstones; typed refusals
    access.py, accounts.py who is looking (Viewer) and who may sign in
    usecases/             what users and the worker do, behind the `Scribe` facade: intake, processing,
                          corrections, purging (usecases/decisions.py holds the pure rules)
    queries.py            the read side: every read checked for the viewer
    worker.py             background processing, retries, retention and pending remote deletions
    bootstrap.py          builds the services from settings (config.py, settings_registry.py)
    providers.py          the registry of engines and note writers and what each sends off the machine
    engines/              transcription: AssemblyAI (cloud) and offline (this machine)
    notes/                note writers: an LLM through the gateway, and the offline extractive writer
    clinical/             clinical language without a language model: facts, the offline note, checks
    documents/            templates, summaries, letters, PDF and FHIR exports, sign-off, Send to EHR
    live/                 live visits streamed from the microphone
    store.py, storage/    encrypted encounters, audit log and tombstones (storage/: on SQLAlchemy)
    jobs/                 the job queue for several machines
    eval/                 evaluation of the offline engine (`python -m scribe_core.eval`)
    cli.py, cli_*.py      the command line (`python -m scribe_core`)
"""

__version__ = "0.1.0"
