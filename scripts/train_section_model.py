"""Retrain the note section model on ACI-Bench train + valid and write scribe_core/clinical/section_model.json.

    .venv/bin/python scripts/train_section_model.py [--aci-dir DIR] [--out FILE]

Needs scikit-learn (dev dependency). Deterministic: the same data gives the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scribe_core.clinical.section_model import MODEL_PATH  # noqa: E402
from scribe_core.clinical.section_training import ACI_JSON, train  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--aci-dir", type=Path, default=ACI_JSON)
    p.add_argument("--out", type=Path, default=MODEL_PATH)
    args = p.parse_args()
    weights = train(aci_dir=args.aci_dir)
    args.out.write_text(json.dumps(weights, separators=(",", ":"), sort_keys=True) + "\n")
    meta = weights["meta"]
    print(f"wrote {args.out}: {len(weights['vocabulary'])} features, {meta['examples']} sentences, "
          f"labels {meta['label_counts']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
