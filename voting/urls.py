from django.urls import path
from django.views.generic import RedirectView

from voting.views import ballot, counting, exhibition, manage_rounds, results, voters

app_name = "voting"

urlpatterns = [
    # /voting/ itself: the rounds list is where people look for i-Voting.
    path("", RedirectView.as_view(pattern_name="voting:rounds", permanent=False), name="index"),
    # Exhibition and voters (V1)
    path("exhibition/", exhibition.exhibition_list, name="exhibition_list"),
    path("exhibition/<int:pk>/", exhibition.exhibition_detail, name="exhibition_detail"),
    path("exhibition/<int:pk>/comment/", exhibition.comment_post, name="comment_post"),
    path("exhibition/<int:pk>/poster.pdf", exhibition.exhibition_poster, name="exhibition_poster"),
    path("exhibition/comments/<int:comment_pk>/report/", exhibition.comment_report, name="comment_report"),
    path("exhibition/comments/<int:comment_pk>/moderate/", exhibition.comment_moderate, name="comment_moderate"),
    path("exhibition/moderation/", exhibition.moderation_queue, name="moderation_queue"),
    path("voters/register/", voters.voter_register, name="voter_register"),
    path("voters/me/", voters.voter_status, name="voter_status"),
    path("voters/me/documents/", voters.voter_document_add, name="voter_document_add"),
    path("voters/documents/<int:pk>/", voters.voter_document, name="voter_document"),
    path("voters/verification/", voters.verification_queue, name="verification_queue"),
    path("voters/<int:pk>/decide/", voters.voter_decide, name="voter_decide"),
    path("voters/register-imports/", voters.register_import, name="register_import"),
    path("voters/register-imports/<int:pk>/", voters.register_import_detail, name="register_import_detail"),
    # Rounds, ballots, board and results (V2)
    path("rounds/", results.round_list, name="rounds"),
    path("rounds/manage/", manage_rounds.manage, name="rounds_manage"),
    path("rounds/<int:pk>/ballot/", ballot.ballot, name="ballot"),
    path("rounds/<int:pk>/receipt/email/", ballot.receipt_email, name="receipt_email"),
    path("rounds/<int:pk>/board/", results.board, name="board"),
    path("rounds/<int:pk>/board/heads.txt", results.board_heads_txt, name="board_heads"),
    path("rounds/<int:pk>/ballot-box/", manage_rounds.ballot_box, name="ballot_box"),
    path("rounds/<int:pk>/results/", results.results, name="results"),
    path("rounds/<int:pk>/results.pdf", results.results_pdf, name="results_pdf"),
    path("rounds/<int:pk>/open-data.json", results.export_json, name="export_json"),
    path("rounds/<int:pk>/<str:what>.csv", results.export_csv, name="export_csv"),
    # Counting rules: other cities' elections, .pb files, the comparison
    path("elsewhere/", counting.archive_list, name="archive_list"),
    path("elsewhere/<int:pk>/", counting.archive_detail, name="archive_detail"),
    path("elsewhere/<int:pk>/election.pb", counting.archive_pb, name="archive_pb"),
    path("recount_pb.py", counting.recount_script, name="recount_script"),
    path("rounds/<int:pk>/compare/", counting.round_compare, name="round_compare"),
    path("rounds/<int:pk>/compare/compute/", counting.round_compare_compute, name="round_compare_compute"),
    path("rounds/<int:pk>/round.pb", counting.round_pb, name="round_pb"),
    path("rounds/<int:pk>/progress/", manage_rounds.progress, name="round_progress"),
    path("rounds/<int:pk>/<str:action>/", manage_rounds.round_action, name="round_action"),
]
