from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_new, name="new"),
    path("write/", views.proposal_write, name="write"),
    path("mine/", views.my_proposals, name="mine"),
    path("queue/", views.proposal_queue, name="queue"),
    path("oversight/", views.oversight, name="oversight"),
    path("orphans/", views.orphans, name="orphans"),
    path("oversight/<slug:code>/", views.oversight, name="oversight_district"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/act/", views.proposal_act, name="act"),
    path("<int:pk>/designate/", views.proposal_designate, name="designate"),
    path("<int:pk>/merge/", views.proposal_merge, name="merge"),
    path("<int:pk>/consent/", views.proposal_consent, name="consent"),
    path("<int:pk>/attach/", views.proposal_attach, name="attach"),
    path("<int:pk>/files/<int:file_pk>/", views.proposal_attachment, name="attachment"),
    path("<int:pk>/revise/", views.proposal_revise, name="revise"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/contact/", views.proposal_contact, name="contact"),

    path("<int:pk>/place/", views.proposal_place, name="place"),
    path("<int:pk>/audit/", views.proposal_audit, name="audit"),
]
