"""Notifications of the review panel, sent after the transaction commits. Safe to run twice."""
from celery import shared_task
from django.utils import translation
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from pbcity.services import notification_deliver
from pbcity.tasks import RETRY_POLICY


@shared_task(bind=True, **RETRY_POLICY)
def panel_seat_notify(self, seat_id: int) -> int:
    """Tell a member (drawn, alternate or appointed) that they have a seat on a review panel."""
    from ..models import PanelSeat

    seat = PanelSeat.objects.select_related("panel__district", "panel__cycle", "user").get(pk=seat_id)
    panel = seat.panel
    with translation.override(seat.user.language or "zh-hant"):
        subject = _("You have a seat on the %(district)s review panel") % {"district": panel.district.display_name}
        body = _("Seat: %(seat)s. The panel meets on %(when)s; you score the proposals from the panel page, "
                 "in the room or online.") % {"seat": seat.get_seat_type_display(),
                                               "when": localtime(panel.starts_at).strftime("%Y-%m-%d %H:%M")}
    notification_deliver(recipient=seat.user, key=f"panel-seat:{seat.pk}", subject=subject, body=body,
                         url=panel.get_absolute_url(), kind="account")
    return 1
