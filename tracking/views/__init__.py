from .dashboard import dashboard
from .manage import budget, complete, council, difficulty_new, difficulty_record, project_transition
from .milestones import milestone_edit, milestone_new, milestones_csv, milestones_import
from .place import project_place
from .public import district, evidence_file, final_photo, index, project, report_pdf

__all__ = [
    "budget", "complete", "council", "dashboard", "difficulty_new", "difficulty_record", "district", "evidence_file",
    "final_photo", "index", "milestone_edit", "milestone_new", "milestones_csv", "milestones_import", "project",
    "project_place", "project_transition", "report_pdf",
]
