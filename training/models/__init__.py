from .cards import CardLevel, CitizenCard
from .consultations import Consultation, ConsultationSlot
from .courses import Attendance, Course, Registration, Session
from .experts import Expert, ExpertField

__all__ = [
    "Attendance", "CardLevel", "CitizenCard", "Consultation", "ConsultationSlot", "Course", "Expert",
    "ExpertField", "Registration", "Session",
]
