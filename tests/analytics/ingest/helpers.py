"""An incident log as a council writes it, for the tests that import one."""

HEADER = (
    "Ref,Date of incident,Councillor,Ward,How (channel),Type of abuse,Protected characteristic(s),Threat level,Status"
)
ROWS = [
    "INC-1,03/04/2025,Cllr Ann Lee,Castle Hill,Facebook,Verbal abuse; Harassment,Racist,High,Open",
    "INC-2,14/04/2025,Bob Kay,St. John's,Email,Threat to kill,,,Closed",
    "INC-3,2025-05-01,Ann Lee,Castle Hill,f2f,intimidation,misogynistic,2,Open",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()
