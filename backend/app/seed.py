"""The demo's customers, generated the same way on every machine.

Why generated and not a fixture file: the first start of a fresh checkout (or a fresh Cloud SQL
database) must find something to show, and a seeded PRNG gives the same 48 plausible customers
everywhere without committing a data file. Values are in the shapes the SPA shows: BRL in cents,
CNPJ with valid check digits, dates as ISO strings.
"""

import random

KINDS = ["Distribuidora", "Mercado", "Farmácia", "Comercial", "Atacadão", "Padaria", "Auto Peças",
         "Materiais de Construção", "Papelaria", "Supermercado", "Drogaria", "Empório", "Hortifruti",
         "Armazém", "Ótica", "Pet Shop", "Livraria"]
SURNAMES = ["Silva", "Souza", "Oliveira", "Santos", "Lima", "Pereira", "Ferreira", "Costa", "Rodrigues",
            "Almeida", "Nascimento", "Carvalho", "Araújo", "Ribeiro", "Gomes", "Martins", "Rocha",
            "Barbosa", "Moreira", "Andrade", "Cardoso", "Teixeira", "Mendes", "Freitas", "Barros"]
FIRST_NAMES = ["Ana", "Bruno", "Carla", "Diego", "Eduarda", "Felipe", "Gabriela", "Henrique", "Isabela",
               "João", "Larissa", "Marcos", "Natália", "Otávio", "Paula", "Rafael", "Sofia", "Tiago"]
SUFFIXES = ["Ltda", "ME", "EIRELI", "S.A.", "Ltda", "EPP", "& Filhos"]
CITIES = [("São Paulo", "SP"), ("Campinas", "SP"), ("Santos", "SP"), ("Rio de Janeiro", "RJ"),
          ("Belo Horizonte", "MG"), ("Curitiba", "PR"), ("Porto Alegre", "RS"), ("Florianópolis", "SC"),
          ("Salvador", "BA"), ("Recife", "PE"), ("Fortaleza", "CE"), ("Goiânia", "GO"), ("Brasília", "DF"),
          ("Manaus", "AM"), ("Miami", "FL"), ("Houston", "TX")]
SEGMENTS = ["Varejo", "Atacado", "Saúde", "Alimentação", "Construção", "Automotivo", "Serviços"]
SELLERS = ["Ana Paula", "Bruno Teixeira", "Carla Mendes", "Diego Ramos", "Eduarda Lima", "Felipe Costa"]
STAGES = ["lead", "contato", "proposta", "negociacao", "fechado", "perdido"]

COUNT = 48


def _cnpj(rng: random.Random) -> str:
    """A CNPJ with valid modulo-11 check digits, formatted 00.000.000/0000-00."""
    digits = [rng.randint(0, 9) for _ in range(8)] + [0, 0, 0, 1]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        rest = sum(d * w for d, w in zip(digits, weights)) % 11
        digits.append(0 if rest < 2 else 11 - rest)
    s = "".join(map(str, digits))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def _ascii(text: str) -> str:
    table = str.maketrans("áàâãéêíóôõúçÁÉÍÓÚÇ", "aaaaeeioooucAEIOUC")
    return text.translate(table)


def clientes() -> list[dict]:
    """COUNT customers with ids 1…COUNT, identical on every call and every machine."""
    rng = random.Random(20260501)
    rows = []
    for cliente_id in range(1, COUNT + 1):
        cidade, uf = rng.choice(CITIES)
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        family = rng.choice(SURNAMES)
        empresa = f"{rng.choice(KINDS)} {family} {rng.choice(SUFFIXES)}"
        domain = _ascii(family.lower()) + ".com.br"
        rows.append({
            "id": cliente_id,
            "nome": f"{first} {last}",
            "empresa": empresa,
            "cnpj": _cnpj(rng),
            "email": f"{_ascii(first.lower())}.{_ascii(last.lower())}@{domain}",
            "telefone": f"+55{rng.randint(11, 99)}9{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}",
            "cidade": cidade,
            "uf": uf,
            "segmento": rng.choice(SEGMENTS),
            "etapa": rng.choice(STAGES),
            "vendedor": rng.choice(SELLERS),
            "faturamento_mensal": rng.randint(1500, 950000) * 100 + rng.randint(0, 99),
            "ultimo_contato": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        })
    return rows


def notas() -> list[dict]:
    """A few notes so a customer page is not empty on the first start."""
    return [
        {"cliente_id": 1, "texto": "Pediu proposta para o segundo semestre.", "autor": "vendedor",
         "criada_em": "2026-11-03T14:05:00Z"},
        {"cliente_id": 1, "texto": "Retornar na segunda-feira com a tabela nova.", "autor": "vendedor",
         "criada_em": "2026-11-10T09:30:00Z"},
        {"cliente_id": 42, "texto": "Cliente prefere contato por WhatsApp.", "autor": "vendedor",
         "criada_em": "2026-10-21T16:45:00Z"},
    ]
