# dd.mm.rrrr everywhere, as in the ministry's notices; Django's Polish default is
# "j E Y" (3 grudnia 2026) for dates and "d-m-Y" for short ones.
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
