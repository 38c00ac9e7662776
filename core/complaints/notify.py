"""Telling the reporter: each change of their complaint's status, and the four-week
question, by e-mail when they left an address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.models import Channel, Complaint, ComplaintStatus, Language
from core.outbox.service import enqueue_to_person

STATUS_TEXTS: dict[ComplaintStatus, tuple[str, str]] = {
    ComplaintStatus.OPEN: ("ได้รับแล้ว รอคัดกรอง", "received, awaiting triage"),
    ComplaintStatus.CONFIRMED: ("ยืนยันแล้ว", "confirmed"),
    ComplaintStatus.INVESTIGATING: ("กำลังตรวจสอบ", "investigating"),
    ComplaintStatus.IN_PROGRESS: ("กำลังดำเนินการ", "in progress"),
    ComplaintStatus.ACTION_SCHEDULED: ("กำหนดการแก้ไขแล้ว", "action scheduled"),
    ComplaintStatus.FIXED: ("แก้ไขแล้ว", "fixed"),
    ComplaintStatus.UNABLE_TO_FIX: ("ไม่สามารถแก้ไขได้", "unable to fix"),
    ComplaintStatus.NOT_RESPONSIBLE: ("ไม่อยู่ในอำนาจหน้าที่", "not responsible"),
    ComplaintStatus.DUPLICATE: ("ซ้ำกับเรื่องอื่น", "duplicate"),
    ComplaintStatus.REFERRED: ("ส่งต่อหน่วยงานอื่นแล้ว", "referred"),
}
"""The statuses in the reporter's e-mail (the pages have their own, translated, labels)."""


def tell_reporter(session: Session, complaint: Complaint, *, note: str, now: datetime) -> None:
    """An e-mail to the reporter who left an address: the status (and the note meant for
    them), in Thai and English, through the outbox like every message. The private link is
    not in it: only its hash is kept, so the reporter uses the link given at first."""
    assert complaint.contact_email is not None
    status_th, status_en = STATUS_TEXTS[complaint.status]
    subject = f"dustwatch: เรื่องร้องเรียน {complaint.public_id}: {status_th} / {status_en}"
    lines = [
        f"เรื่องร้องเรียนของคุณ {complaint.public_id}: {status_th}",
        *([f"หมายเหตุ: {note}"] if note else []),
        "ติดตามได้ที่ลิงก์ส่วนตัวที่ได้รับเมื่อแจ้งเรื่อง",
        "",
        f"Your complaint {complaint.public_id}: {status_en}",
        *([f"Note: {note}"] if note else []),
        "Follow it through the private link you were given when you reported it.",
    ]
    enqueue_to_person(
        session,
        channel=Channel.EMAIL,
        address=complaint.contact_email,
        language=Language.TH,
        subject=subject,
        body="\n".join(lines) + "\n",
        payload={
            "complaint": complaint.public_id,
            "status": complaint.status.value,
            "note": note,
            "at": now.isoformat(),
        },
        now=now,
    )
