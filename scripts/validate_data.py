"""`rasa data validate --fail-on-warnings`, where a response counts as used when a rule takes
it as a step, a custom action sends it, or a channel says it: the domain is the one catalogue
of the assistant's words, and most of them are sent by actions (`say` in actions/base.py), not
by rules; the channels' own notices (bot/domain/channels.yml) by the channels.

Rasa's own check would call every such response "not used in any story or rule"; this one
instead fails on a response that no rule, action or channel can send, and on a rule step that
names a response the domain does not have."""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import rasa.shared.utils.io
from rasa.cli.utils import _validate_domain, _validate_story_structure
from rasa.shared.core.events import ActionExecuted
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.validator import Validator

ROOT = Path(__file__).resolve().parents[1]
SENDERS = (ROOT / "actions", ROOT / "bot" / "channels")  # custom actions; the channels' notices


def key_patterns(source: str) -> list[re.Pattern[str]]:
    """Every string in the code, as a pattern: a plain string as itself, an f-string with its
    holes as wildcards (f"check_{kind}" sends check_self_harm, check_medical ...)."""
    patterns = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            patterns.append(re.compile(re.escape(node.value)))
        elif isinstance(node, ast.JoinedStr):
            parts = [
                re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z_]+"
                for v in node.values
            ]
            patterns.append(re.compile("".join(parts)))
    return patterns


def sent_by_actions(names: set[str], folders: tuple[Path, ...] = SENDERS) -> set[str]:
    """The responses whose name, or key (utter_<key>), the code of an action or channel names."""
    files = sorted(path for folder in folders for path in folder.glob("*.py"))
    patterns = [p for path in files for p in key_patterns(path.read_text())]
    return {
        name
        for name in names
        if any(p.fullmatch(name) or p.fullmatch(name.removeprefix("utter_")) for p in patterns)
    }


class FrontdoorValidator(Validator):
    """Rasa's validator, with responses that actions and channels send counted as used."""

    def verify_utterances_in_stories(self, ignore_warnings: bool = True) -> bool:
        steps = {
            event.action_name
            for story in self.story_graph.story_steps
            for event in story.events
            if isinstance(event, ActionExecuted)
            and event.action_name
            and event.action_name.startswith("utter_")
        }
        names = {name for name in self.domain.responses if name.startswith("utter_")}
        alright = True
        for name in sorted(steps - names):
            rasa.shared.utils.io.raise_warning(f"A rule takes '{name}', which is no response.")
            alright = False
        for name in sorted(names - steps - sent_by_actions(names)):
            rasa.shared.utils.io.raise_warning(
                f"The response '{name}' is used by no rule and sent by no action or channel."
            )
            alright = False
        return alright or ignore_warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="bot/config.yml")
    parser.add_argument("--domain", default="bot/domain")
    parser.add_argument("--data", nargs="+", default=["data/nlu", "data/rules"])
    args = parser.parse_args(argv)
    importer = TrainingDataImporter.load_from_config(
        args.config, args.domain, training_data_paths=args.data
    )
    validator = FrontdoorValidator.from_importer(importer)
    checks = [
        _validate_domain(validator),
        validator.verify_nlu(ignore_warnings=False),
        _validate_story_structure(validator, None, fail_on_warnings=True),
    ]
    if not all(checks):
        print("Project validation completed with errors.", file=sys.stderr)
        return 1
    print("Project validation passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
