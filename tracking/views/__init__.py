from .dashboard import dashboard
from .manage import budget, complete, council, difficulty_new, difficulty_record, project_transition
from .milestones import milestone_edit, milestone_new, milestones_csv, milestones_import
from .place import project_place
from .public import district, evidence_file, final_photo, index, project, report_pdf
from .signoff import change, change_answer, change_new, question_answer, question_new

__all__ = [
    "budget", "change", "change_answer", "change_new", "complete", "council", "dashboard", "difficulty_new",
    "difficulty_record", "district", "evidence_file", "final_photo", "index", "milestone_edit", "milestone_new",
    "milestones_csv", "milestones_import", "project", "project_place", "project_transition", "question_answer",
    "question_new", "report_pdf",
]
