"""What a resident would need that the handbook lacks, per department and service: `handbook gaps`, and the cells the
workbook highlights while they are empty."""
from __future__ import annotations

# Sheet → the fields (workbook keys without the language) a resident needs to act: whom to call and where to go for a
# department, how to apply and what to bring for a service. The workbook highlights them while empty.
NEEDED = {
    "departments": ("contact.phone", "contact.address", "contact.hours"),
    "services": ("apply.where", "apply.documents", "apply.steps"),
}
