"""Pages of team bookings, split by audience: the head's (booking, reserving, filling,
suggestions), the member's (answering a suggestion) and HR's (open reservations)."""
