"""Demo data for the counting rules: Assen's 2024 election (pabulib) archived, and every tallied round compared."""
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "pabulib" / "Netherlands_Assen_2024.pb"


def seed(ref) -> dict:
    from voting.models import ArchivedElection, Round, RuleOutcome
    from voting.services import archive as services

    civil = ref["users"]["civil"]
    election = ArchivedElection.objects.filter(file_name=FIXTURE.name, status=ArchivedElection.Status.DONE).first()
    if election is None:
        upload = SimpleUploadedFile(FIXTURE.name, FIXTURE.read_bytes(), content_type="text/plain")
        job = services.archive_import_start(actor=civil, upload=upload, title="Assen Top Idee 2024 (Netherlands)",
                                            source="pabulib.org — Netherlands_Assen_2024.pb")
        # Without a worker (tests, first run with a broker) the demo reads the file itself; the task,
        # if it runs later, finds the job done and does nothing.
        election = services.archive_import_run(job_id=job.pk)
    if not RuleOutcome.objects.filter(election=election).exists():
        services.rule_outcomes_compute(election_id=election.pk)
    compared = 0
    for round_ in Round.objects.filter(status=Round.Status.TALLIED):
        if not RuleOutcome.objects.filter(round=round_).exists():
            services.rule_outcomes_compute(round_id=round_.pk)
            compared += 1
    return {"archived": election, "rounds_compared": compared}
