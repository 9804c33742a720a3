"""Regenerate the rule tagger's golden files after an intended change.

Run ``python -m tests.analyze.regenerate_golden`` (``make golden``) and review the printed differences.
"""

from __future__ import annotations

import json

from tests.analyze.golden import LANGUAGES, current, diff, expected_path


def main() -> int:
    for language in LANGUAGES:
        path = expected_path(language)
        new = current(language)
        if path.exists():
            changes = diff(json.loads(path.read_text("utf-8")), new)
            print(f"{language}: {len(changes) // 3} turn(s) changed")
            for line in changes:
                print("  " + line)
        path.write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n", "utf-8")
        agreement = new["agreement_with_annotation"]
        print(f"{language}: wrote {path.name} (agreement with the hand labels: "
              f"micro-F1 {agreement['micro_f1']}, exact {agreement['exact_match']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
