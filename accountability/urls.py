from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("", views.index, name="index"),
    path("minutes/<int:pk>/", views.minutes, name="minutes"),
    path("minutes/<int:pk>/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/refresh/", views.meeting_refresh, name="meeting_refresh"),
    path("meetings/<int:pk>/items/", views.meeting_item_add, name="meeting_item_add"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("items/<int:pk>/decide/", views.item_decide, name="item_decide"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("decisions/<int:pk>/report/", views.decision_report, name="decision_report"),
    path("hearings/", views.hearings, name="hearings"),
    path("hearings/<int:pk>/", views.hearing, name="hearing"),
    path("hearings/<int:pk>/record/", views.hearing_record, name="hearing_record"),
    path("proposals/<int:pk>/hearings/new/", views.hearing_new, name="hearing_new"),
    path("projects/<int:pk>/oppositions/new/", views.opposition_new, name="opposition_new"),
    path("oppositions/<int:pk>/", views.opposition, name="opposition"),
    path("oppositions/<int:pk>/steps/", views.opposition_step, name="opposition_step"),
]
