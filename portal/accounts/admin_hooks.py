"""A "Members" item in the Wagtail admin menu for community managers, pointing at /members/manage/.

Imported from PortalConfig.ready() (not a wagtail_hooks module, which the newsletter owns in portal/).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.permissions import is_editor


class ManageMembersMenuItem(MenuItem):
    def is_shown(self, request):
        return is_editor(request.user)


@hooks.register("register_admin_menu_item")
def register_manage_members_menu_item():
    return ManageMembersMenuItem(
        _("Members"), reverse("members:manage"), icon_name="group", order=900, name="manage-members"
    )
