"""The supervisory authority people may complain to (Art. 77), written once for pages, mails and the PDF."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Authority:
    short_name: str
    name: str
    address: tuple[str, ...]
    website: str

    @property
    def postal_address(self) -> str:
        return ", ".join(self.address)

    def __str__(self):
        return f"{self.short_name} ({self.name}, {self.postal_address}, {self.website})"


CNIL = Authority(
    short_name="CNIL",
    name=_("Commission nationale de l'informatique et des libertés"),
    address=("3 place de Fontenoy", "TSA 80715", "75334 Paris Cedex 07", "France"),
    website="https://www.cnil.fr",
)
