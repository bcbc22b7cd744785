from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pbcity import services


@login_required
def inbox(request):
    page = Paginator(request.user.notifications.all(), 20).get_page(request.GET.get("page"))
    return render(request, "inbox.html", {"page": page, "notifications": page.object_list})


@login_required
@require_POST
def inbox_read_all(request):
    services.notification_mark_all_read(user=request.user)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read(request, pk):
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect("inbox")
