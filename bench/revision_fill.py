"""Time the revision snapshot fill (migration submissions 0004) against the form-by-form fill it replaced, on SQLite.

    python -m bench.revision_fill [--forms 10000] [--corrected 0.1] [--skip-reference]

Builds a fresh SQLite file database, records a few real forms through the services, copies them to `--forms` forms
(a share `--corrected` of them with one correction, so two revisions), empties the snapshot fields, then times each
fill on the same rows and checks that both wrote the same rows. Prints one line per fill.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _setup(directory: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'fill.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(forms: int, corrected_share: float) -> None:
    """`forms` submissions copied from a plain and a corrected voting form, with their answers and revisions."""
    from django.db import transaction

    from submissions.models import Answer, Submission, SubmissionRevision
    from submissions.services import submission_correct
    from tests.checklists.factories import build_world
    from tests.factories import MissionFactory

    with transaction.atomic():
        world = build_world(MissionFactory(slug="fill-bench"))
        plain, _ = world.record("voting")
        corrected, _ = world.record("voting")
        submission_correct(
            user=world.owner, submission=corrected, payload=world.payload("voting", ballot_box_stuffing_seen="yes")
        )
        models = {
            plain.pk: Submission.objects.get(pk=plain.pk),
            corrected.pk: Submission.objects.get(pk=corrected.pk),
        }
        answers = {pk: list(Answer.objects.filter(submission_id=pk)) for pk in models}
        revisions = {
            pk: list(SubmissionRevision.objects.filter(submission_id=pk).order_by("revision")) for pk in models
        }
        every = round(1 / corrected_share) if corrected_share else 0
        for start in range(0, forms - 2, 1000):
            count = min(1000, forms - 2 - start)
            sources = [corrected.pk if every and (start + i) % every == 0 else plain.pk for i in range(count)]
            copies = []
            for source in sources:
                fields = {f.attname: getattr(models[source], f.attname) for f in Submission._meta.concrete_fields}
                copy = Submission(**fields)
                copy.pk, copy.uuid = None, uuid.uuid4()
                copies.append(copy)
            Submission.objects.bulk_create(copies)
            Answer.objects.bulk_create(
                Answer(
                    submission_id=copy.pk,
                    question_code=answer.question_code,
                    value=answer.value,
                    number=answer.number,
                    text=answer.text,
                )
                for copy, source in zip(copies, sources, strict=True)
                for answer in answers[source]
            )
            new_revisions = []
            for copy, source in zip(copies, sources, strict=True):
                for revision in revisions[source]:
                    fields = {f.attname: getattr(revision, f.attname) for f in SubmissionRevision._meta.concrete_fields}
                    fields.update(id=None, submission_id=copy.pk)
                    new_revisions.append(SubmissionRevision(**fields))
            SubmissionRevision.objects.bulk_create(new_revisions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--corrected", type=float, default=0.1, help="share of forms with one correction")
    parser.add_argument("--skip-reference", action="store_true", help="time only the set-based fill")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        _setup(Path(directory))
        from django.db import connection, transaction
        from django.db.migrations.loader import MigrationLoader

        from missions.models import Mission
        from submissions.models import SubmissionRevision
        from tests.factories import MissionFactory
        from tests.submissions.revision_fill_reference import forget_snapshots, form_by_form_fill, snapshot_rows

        fill = importlib.import_module("submissions.migrations.0004_revision_snapshot_fill")
        # The models as the migration sees them.
        historical = MigrationLoader(connection).project_state(("submissions", "0004_revision_snapshot_fill")).apps

        _build(arguments.forms, arguments.corrected)
        placeholder = MissionFactory(slug="placeholder")
        forms = Mission.objects.get(slug="fill-bench").submissions.count()
        revisions = SubmissionRevision.objects.count()
        print(f"{forms} forms, {revisions} revisions, SQLite {connection.Database.sqlite_version}")
        figures = {}
        fills = [("set-based", lambda: fill.revision_snapshot_fill(historical, connection))]
        if not arguments.skip_reference:
            fills.append(("form by form", lambda: form_by_form_fill(historical)))
        for name, run in fills:
            forget_snapshots(placeholder)
            started = time.perf_counter()
            with transaction.atomic():
                run()
            print(f"{name}: {time.perf_counter() - started:.1f} s", flush=True)
            figures[name] = snapshot_rows()
        if len(figures) == 2:
            same = figures["set-based"] == figures["form by form"]
            print("same rows" if same else "ROWS DIFFER")
            return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
