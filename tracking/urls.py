from django.urls import path

from . import views

app_name = "tracking"
urlpatterns = [
    path("", views.index, name="index"),
    path("districts/<slug:code>/", views.district, name="district"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/milestones/new/", views.milestone_new, name="milestone_new"),
    path("projects/<int:pk>/milestones.csv", views.milestones_csv, name="milestones_csv"),
    path("projects/<int:pk>/milestones/import/", views.milestones_import, name="milestones_import"),
    path("projects/<int:pk>/budget/", views.budget, name="budget"),
    path("projects/<int:pk>/council/", views.council, name="council"),
    path("projects/<int:pk>/difficulties/", views.difficulty_new, name="difficulty_new"),
    path("projects/<int:pk>/complete/", views.complete, name="complete"),
    path("projects/<int:pk>/changes/new/", views.change_new, name="change_new"),
    path("projects/<int:pk>/questions/", views.question_new, name="question_new"),

    path("projects/<int:pk>/place/", views.project_place, name="place"),
    path("projects/<int:pk>/<slug:name>/", views.project_transition, name="transition"),
    path("milestones/<int:pk>/", views.milestone_edit, name="milestone_edit"),
    path("difficulties/<int:pk>/", views.difficulty_record, name="difficulty_record"),
    path("changes/<int:pk>/", views.change, name="change"),
    path("changes/<int:pk>/answer/", views.change_answer, name="change_answer"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("final-photos/<int:pk>/", views.final_photo, name="final_photo"),
    path("reports/<int:pk>/", views.report_pdf, name="report_pdf"),
]
