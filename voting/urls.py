from django.urls import path

from voting.views import exhibition, voters

app_name = "voting"

urlpatterns = [
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
]
