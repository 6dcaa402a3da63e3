# Day before month, with the month's name, so that no reader takes 03.12 for 12 March;
# Django's English default is the American "Dec. 3, 2026" and "12/03/2026".
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
