from django.urls import path

from . import views

app_name = "deliberation"
urlpatterns = [
    # pre-meeting and stage 1
    path("", views.index, name="index"),
    path("premeetings/new/", views.premeeting_new, name="premeeting_new"),
    path("premeetings/<int:pk>/", views.premeeting_detail, name="premeeting"),
    path("premeetings/<int:pk>/record/", views.premeeting_record, name="premeeting_record"),
    path("premeetings/<int:pk>/designate/", views.premeeting_designate, name="premeeting_designate"),
    path("contests/<int:pk>/decide/", views.contest_decide, name="contest_decide"),
    path("cycles/<int:year>/principles/", views.principles, name="principles"),
    path("cycles/<int:year>/exclusions/", views.exclusions, name="exclusions"),
    path("proposals/<int:pk>/", views.proposal_record, name="proposal"),
    path("proposals/<int:pk>/contest/", views.contest_raise, name="contest"),
    path("proposals/<int:pk>/contacts/", views.contact_add, name="contact"),
    path("proposals/<int:pk>/direct-execution/", views.direct_execution, name="direct_execution"),
    path("proposals/<int:pk>/assessment/", views.assessment, name="assessment"),
    path("proposals/<int:pk>/exclude/", views.exclude, name="exclude"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/proposals/<int:proposal_pk>/opinion/", views.opinion_add, name="opinion"),
    path("sessions/<int:pk>/proposals/<int:proposal_pk>/suggestion/", views.suggestion_add, name="suggestion"),
    # review panel (stage 2)
    path("panels/", views.panel_index, name="panels"),
    path("panels/new/", views.panel_new, name="panel_new"),
    path("panels/verify_panel_draw.py", views.draw_verifier, name="panel_verifier"),
    path("panels/<int:pk>/", views.panel_detail, name="panel_detail"),
    path("panels/<int:pk>/appoint/", views.panel_appoint, name="panel_appoint"),
    path("panels/<int:pk>/commit/", views.panel_commit, name="panel_commit"),
    path("panels/<int:pk>/draw/", views.panel_draw, name="panel_draw"),
    path("panels/<int:pk>/seats/<int:seat_pk>/absent/", views.panel_absent, name="panel_absent"),
    path("panels/<int:pk>/open/", views.panel_open, name="panel_open"),
    path("panels/<int:pk>/close/", views.panel_close, name="panel_close"),
    path("panels/<int:pk>/score/", views.panel_score, name="panel_score"),
    path("panels/<int:pk>/score/<int:proposal_pk>/", views.score_submit, name="score_submit"),
    path("panels/<int:pk>/draw-input.json", views.draw_input, name="panel_draw_input"),
    path("panels/<int:pk>/draw-result.json", views.draw_result, name="panel_draw_result"),
    path("panels/<int:pk>/scores.csv", views.scores_csv, name="panel_scores_csv"),
    path("panels/<int:pk>/scores.json", views.scores_json, name="panel_scores_json"),
    path("panels/<int:pk>/allowances.csv", views.allowances_csv, name="panel_allowances_csv"),
    path("panels/<int:pk>/report.pdf", views.report_pdf, name="panel_report_pdf"),
]
