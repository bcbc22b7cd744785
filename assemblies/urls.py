from django.urls import path

from . import views, views_public, views_vote

app_name = "assemblies"
urlpatterns = [
    path("", views_public.assembly_list, name="list"),
    path("new/", views.assembly_new, name="new"),
    path("<int:pk>/", views_public.assembly_detail, name="detail"),
    path("<int:pk>/register/", views_public.assembly_register, name="register"),
    path("<int:pk>/my-code/", views_public.my_code, name="my_code"),
    path("<int:pk>/my-code/qr.svg", views_public.my_code_qr, name="my_code_qr"),
    path("<int:pk>/online-sign-in/", views_public.online_sign_in, name="online_sign_in"),
    path("<int:pk>/results/", views_public.results, name="results"),
    path("<int:pk>/screen/", views_public.screen, name="screen"),
    path("<int:pk>/results.pdf", views_public.results_pdf, name="results_pdf"),
    path("<int:pk>/results.csv", views_public.results_csv, name="results_csv"),
    path("<int:pk>/results.json", views_public.results_json, name="results_json"),
    path("<int:pk>/vote/", views_vote.vote_enter, name="vote"),
    path("<int:pk>/vote/ballot/", views_vote.ballot, name="ballot"),
    path("<int:pk>/vote/cast/", views_vote.vote_cast, name="vote_cast"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/edit/", views.assembly_edit, name="edit"),
    path("<int:pk>/step/", views.assembly_step, name="step"),
    path("<int:pk>/desk/", views.desk, name="desk"),
    path("<int:pk>/desk/sign-in/", views.desk_sign_in, name="desk_sign_in"),
    path("<int:pk>/desk/walk-in/", views.desk_walk_in, name="desk_walk_in"),
    path("<int:pk>/desk/<int:attendee>/left/", views.desk_left, name="desk_left"),
    path("<int:pk>/tables/", views.tables, name="tables"),
    path("<int:pk>/tables/<int:table>/seat/", views.table_seat, name="table_seat"),
    path("<int:pk>/tables/<int:table>/", views.table_record, name="table_record"),
    path("<int:pk>/similar/", views.similar, name="similar"),
    path("<int:pk>/count/", views.hand_count, name="count"),
]
