from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("courses/<slug:code>/", views.course_detail, name="course"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/register/", views.session_register, name="register"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("sessions/<int:pk>/check-in/", views.checkin, name="checkin"),
    path("me/", views.my_training, name="me"),
    path("me/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("cards/<str:number>/", views.card_detail, name="card"),
    path("cards/<str:number>/card.pdf", views.card_pdf, name="card_pdf"),
    path("cards/<str:number>/revoke/", views.card_revoke, name="card_revoke"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("experts/", views.experts, name="experts"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/slots/<int:slot_id>/book/", views.consultation_book, name="consultation_book"),
    path("consultations/<int:pk>/cancel/", views.consultation_cancel, name="consultation_cancel"),
    path("desk/", views.desk, name="desk"),
    path("desk/slots/new/", views.slot_new, name="slot_new"),
    path("desk/<int:pk>/", views.desk_detail, name="desk_detail"),
    path("figures/", views.figures, name="figures"),
]
