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
]
