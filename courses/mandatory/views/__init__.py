"""Pages of mandatory training, split by audience: HR's assignments and organisation
overview, a head's team, a person's own page (and HR's external evidence)."""
