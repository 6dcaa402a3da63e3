"""Dates in a written workbook read as the site and the admin write them, and stay dates."""

import datetime
import io

import openpyxl
import tablib

from transfer.spreadsheets import XLSX_DATE_FORMAT, read_table, write_xlsx


def test_dates_are_shown_day_first_and_read_back_as_the_same_day():
    dataset = tablib.Dataset(headers=["Nazwa", "Ważny do"])
    dataset.append(["Klaster =Testowy", datetime.date(2027, 3, 31)])
    content = write_xlsx(dataset)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    name, valid_until = sheet[2]
    assert valid_until.number_format == XLSX_DATE_FORMAT == "DD.MM.YYYY"
    assert valid_until.value.date() == datetime.date(2027, 3, 31)
    # Text cells keep the general format and the formula escape.
    assert name.number_format == "General"

    # An import of the file reads the day itself, whatever it displays.
    assert read_table(content).dict[0]["Ważny do"] == datetime.datetime(2027, 3, 31)
