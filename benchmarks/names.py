"""Word lists for Polish-looking generated clients, people and job texts."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_MALE = _words(
    "Jan Piotr Krzysztof Andrzej Tomasz Paweł Marcin Michał Grzegorz Józef Marek Adam Łukasz "
    "Zbigniew Jerzy Tadeusz Mateusz Dariusz Mariusz Wojciech Ryszard Jakub Henryk Robert Rafał "
    "Kazimierz Jacek Maciej Kamil Stanisław"
)
FIRST_FEMALE = _words(
    "Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Elżbieta Magdalena Joanna "
    "Zofia Monika Teresa Danuta Natalia Aleksandra Karolina Marta Beata Dorota Halina Jadwiga "
    "Iwona Grażyna Paulina Justyna Agata Renata Urszula"
)
# Surnames that take -ski/-ska forms, then the invariable ones.
SURNAME_SKI = _words(
    "Kowalsk Wiśniewsk Wójcik Kamińsk Lewandowsk Zielińsk Szymańsk Woźniak Dąbrowsk "
    "Kozłowsk Jankowsk Wojciechowsk Kwiatkowsk Kaczmarek Piotrowsk Grabowsk Pawłowsk "
    "Michalsk Nowick Adamczyk Dudek Zając Wieczorek Jabłońsk Król Majewsk Olszewsk "
    "Jaworsk Wróbel Malinowsk Pawlak Witkowsk Walczak Stępień Górsk Rutkowsk Michalak "
    "Sikora Ostrowsk Baran Duda Szewczyk Tomaszewsk Pietrzak Marciniak Wróblewsk "
    "Zalewsk Jakubowsk Jasińsk Zawadzk Sadowsk Bąk Chmielewsk Włodarczyk Borkowsk "
    "Czarneck Sawick Sokołowsk Urbańsk Kubiak Maciejewsk Szczepańsk Kucharsk Wilk "
    "Kalinowsk Lis Mazurek Wysock Adamsk Kaźmierczak Wasilewsk Sobczak Czerwińsk "
    "Andrzejewsk Cieślak Głowack Zakrzewsk Kołodziej Sikorsk Krajewsk Gajewsk Szymczak "
    "Szulc Baranowsk Laskowsk Brzezińsk Makowsk Ziółkowsk Przybylsk Nowak Mazur Krawczyk"
)
FIRM_PREFIX = (
    "Biuro Rachunkowe", "Kancelaria Prawna", "Kancelaria Notarialna", "Apteka", "Przychodnia",
    "Gabinet Stomatologiczny", "Hurtownia", "Drukarnia", "Szkoła Językowa", "Pracownia",
    "Zakład Usługowy", "Sklep", "Restauracja", "Hotel", "Biuro Podróży", "Agencja Reklamowa",
    "Przedszkole", "Fundacja", "Stowarzyszenie", "Warsztat Samochodowy", "Piekarnia",
    "Centrum Medyczne", "Pracownia Architektoniczna", "Biuro Projektowe", "Spółdzielnia",
    "Firma Handlowa", "Studio", "Salon", "Transport", "Serwis",
)  # fmt: skip
FIRM_CORE = (
    "Bilans", "Zdrowie", "Pod Lipami", "Lingwa", "Prasa", "Orzeł", "Wisła", "Mazowsze",
    "Polonia", "Sokół", "Bursztyn", "Tatry", "Warta", "Odra", "Jantar", "Karpaty", "Wawel",
    "Pomorze", "Syrenka", "Żuraw", "Kruk", "Dąb", "Jodła", "Słonecznik", "Promyk", "Mewa",
    "Kasztan", "Zorza", "Iskra", "Gwiazda",
)  # fmt: skip
FIRM_SUFFIX = ("sp. z o.o.", "s.c.", "sp.j.", "S.A.", "sp.k.", "")
CITIES = (
    ("Warszawa", "00"), ("Kraków", "31"), ("Łódź", "90"), ("Wrocław", "50"), ("Poznań", "60"),
    ("Gdańsk", "80"), ("Szczecin", "70"), ("Bydgoszcz", "85"), ("Lublin", "20"),
    ("Białystok", "15"), ("Katowice", "40"), ("Gdynia", "81"), ("Częstochowa", "42"),
    ("Radom", "26"), ("Toruń", "87"), ("Rzeszów", "35"), ("Kielce", "25"), ("Olsztyn", "10"),
    ("Opole", "45"), ("Zielona Góra", "65"),
)  # fmt: skip
STREETS = (
    "Marszałkowska", "Długa", "Piotrkowska", "Głogowska", "Legnicka", "Grunwaldzka", "Kościuszki",
    "Mickiewicza", "Słowackiego", "Sienkiewicza", "Kolejowa", "Polna", "Leśna", "Ogrodowa",
    "Lipowa", "Szkolna", "Krótka", "Parkowa", "Wiejska", "Słoneczna",
)  # fmt: skip
LANDLINE_AREAS = ("22", "12", "42", "61", "71", "58", "91", "52", "81", "85", "32", "17")
MOBILE_PREFIXES = ("50", "51", "53", "57", "60", "66", "69", "72", "78", "79", "88")
JOB_TEXTS = (
    "Drukarka nie drukuje", "Brak dostępu do internetu", "Wolno działa komputer",
    "Nie działa poczta", "Kopia zapasowa nie wykonała się", "Instalacja programu księgowego",
    "Wymiana dysku w serwerze", "Konfiguracja nowego laptopa", "Awaria sieci Wi-Fi",
    "Wirus na stanowisku w recepcji", "Szkolenie z pakietu biurowego", "Aktualizacja Windows",
    "Nie działa skaner", "Hasło do domeny wygasło", "Przeniesienie danych na nowy komputer",
    "Router restartuje się", "Serwer plików niedostępny", "Podłączenie drukarki sieciowej",
    "Błąd bazy danych programu", "Monitor nie wyświetla obrazu",
)  # fmt: skip
WORK_TEXTS = (
    "Diagnoza i usunięcie usterki", "Instalacja i konfiguracja", "Kontrola kopii zapasowej",
    "Wymiana podzespołu", "Aktualizacja systemu", "Konsultacja telefoniczna",
    "Konfiguracja sieci", "Szkolenie użytkownika", "Przegląd stanowisk", "Usunięcie wirusa",
)  # fmt: skip
