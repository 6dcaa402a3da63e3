from rest_framework.pagination import CursorPagination


class RegistryCursorPagination(CursorPagination):
    """Pages by position in the ordering, not by OFFSET: page 1 000 costs what page 1 does.

    Each view names its ordering (`cursor_ordering`): a column with an index, first.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_ordering(self, request, queryset, view):
        return view.cursor_ordering
