"""Seeded, deterministic Noosfero data in Portuguese: people, communities, enterprises, articles,
comments, categories, tasks, domains, roles, scraps.

Records are plain dicts with internal fields; :mod:`tui.sandbox.noosfero` turns them into the API's
entities. Profile ids share one sequence (people, then communities, then enterprises) as in
Noosfero's single `profiles` table.
"""

from __future__ import annotations

from typing import Any

from .data import BASE_S, hex_token, rng, slugify

FIRST = ["Ana", "Bruno", "Carla", "Diego", "Eduarda", "Felipe", "Gabriela", "Henrique", "Isabela",
         "João", "Juliana", "Lucas", "Mariana", "Mateus", "Natália", "Otávio", "Paula", "Rafael",
         "Sofia", "Thiago", "Vitória", "Gustavo", "Larissa", "Pedro", "Beatriz", "Caio", "Fernanda",
         "Leonardo", "Camila", "Rodrigo", "Luana", "Marcelo", "Patrícia", "Renato", "Tatiane"]
LAST = ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima",
        "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares",
        "Fernandes", "Vieira", "Barbosa", "Araújo", "Nascimento", "Moura", "Cavalcanti"]
CITIES = [("Recife", "PE"), ("Salvador", "BA"), ("Fortaleza", "CE"), ("Belo Horizonte", "MG"),
          ("Porto Alegre", "RS"), ("Curitiba", "PR"), ("Brasília", "DF"), ("São Paulo", "SP"),
          ("Rio de Janeiro", "RJ"), ("Manaus", "AM"), ("Belém", "PA"), ("Goiânia", "GO"),
          ("Florianópolis", "SC"), ("Natal", "RN"), ("João Pessoa", "PB"), ("Campinas", "SP")]
TOPICS = ["Software Livre", "Agroecologia", "Economia Solidária", "Cultura Digital",
          "Educação Popular", "Hortas Urbanas", "Ciclistas", "Leitores", "Música Independente",
          "Dados Abertos", "Saúde Coletiva", "Cinema Nacional", "Capoeira", "Fotografia",
          "Programadores Python", "Mulheres na Tecnologia", "Jogos de Tabuleiro",
          "Astronomia Amadora", "Teatro Comunitário", "Meio Ambiente"]
KINDS = ["Comunidade", "Grupo", "Rede", "Coletivo", "Fórum"]
ENTERPRISES = ["Padaria Pão Quente", "Cooperativa Recicla Mais", "Livraria Sebo Cultural",
               "Café Grão de Ouro", "Ateliê Mãos de Barro", "Mercearia do Bairro",
               "Oficina Bicicleta Livre", "Horta Viva Orgânicos", "Editora Palavra Aberta",
               "Gráfica Tinta Fresca", "Estúdio Som da Terra", "Doceria Brigadeiro Bom",
               "Ótica Visão Clara", "Pousada Mar Azul", "Feira Solidária Central"]
TAGS = ["software-livre", "educacao", "cultura", "meio-ambiente", "evento", "oficina", "noticias",
        "tecnologia", "saude", "comunidade", "dados-abertos", "agroecologia", "musica", "cinema",
        "voluntariado", "reuniao"]
TITLES = [
    "Encontro de {topic} em {city}", "Relato da oficina de {topic}",
    "Chamada para voluntários: {topic}", "Guia rápido de {topic} para iniciantes",
    "Notícias da semana sobre {topic}", "Ata da reunião de {month}",
    "Convite: roda de conversa sobre {topic}", "Fotos do mutirão em {city}",
    "Balanço do projeto de {topic}", "Como participar do grupo de {topic}",
]
MONTHS = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
          "setembro", "outubro", "novembro", "dezembro"]
SENTENCES = [
    "A reunião começou às dezenove horas com a presença de vinte e três participantes.",
    "Discutimos as próximas atividades e a divisão das tarefas entre as equipes.",
    "Agradecemos a todas as pessoas que contribuíram com o mutirão do último sábado.",
    "O material da apresentação está disponível na pasta de documentos da comunidade.",
    "Quem quiser participar pode se inscrever pelo formulário até a próxima sexta-feira.",
    "A prefeitura confirmou o apoio para o espaço do evento no centro da cidade.",
    "Precisamos de voluntários para a recepção e para a organização das mesas.",
    "O próximo encontro será na biblioteca municipal, com entrada gratuita.",
    "Foram distribuídas mudas e sementes crioulas para as famílias do bairro.",
    "As inscrições para a oficina de introdução já estão abertas.",
    "Registramos abaixo os principais encaminhamentos aprovados pela assembleia.",
    "Lembramos que o uso de software livre é uma escolha política e técnica.",
]
COMMENTS = [
    "Ótima iniciativa, parabéns a todos!", "Vou participar e levar mais gente.",
    "Alguém sabe se haverá transmissão ao vivo?", "Obrigado pelo relato detalhado.",
    "Podemos marcar a próxima para um sábado?", "Excelente texto, compartilhei com o grupo.",
    "Faltou falar do financiamento coletivo.", "Conte comigo para ajudar na organização.",
    "Que bom ver a comunidade crescendo!", "Tem certificado de participação?",
]
CATEGORIES = [  # (name, parent index or None, display_color)
    ("Tecnologia", None, "blue"), ("Cultura", None, "red"), ("Educação", None, "green"),
    ("Meio Ambiente", None, "green"), ("Economia", None, "yellow"), ("Saúde", None, "red"),
    ("Software Livre", 0, None), ("Dados Abertos", 0, None), ("Música", 1, None),
    ("Cinema", 1, None), ("Educação Popular", 2, None), ("Agroecologia", 3, None),
    ("Economia Solidária", 4, None), ("Saúde Coletiva", 5, None), ("Regiões", None, None),
    ("Nordeste", 14, None), ("Sudeste", 14, None), ("Sul", 14, None),
]
ROLES = [
    {"id": 1, "name": "Administrador do perfil", "key": "profile_admin"},
    {"id": 2, "name": "Membro", "key": "profile_member"},
    {"id": 3, "name": "Moderador", "key": "profile_moderator"},
    {"id": 4, "name": "Editor", "key": "profile_editor"},
]
ENV_ADMIN_ROLE = {"id": 5, "name": "Administrador do ambiente", "key": "environment_administrator"}

N_PEOPLE = 130
N_COMMUNITIES = 264
N_ENTERPRISES = len(ENTERPRISES)
N_ARTICLES = 360
PASSWORD = "sandbox"


def _ts(r, lo_days: int = 900, hi_days: int = 1) -> int:
    return BASE_S - r.randint(hi_days * 86400, lo_days * 86400)


def build() -> dict[str, Any]:
    db: dict[str, Any] = {"profiles": {}, "users": {}, "articles": {}, "comments": {},
                          "tasks": {}, "scraps": {}, "categories": {}, "domains": {},
                          "environments": {}, "friendships": set(), "follows": set(),
                          "votes": {}, "blocks": {}}
    r = rng("noosfero", "seed")
    db["environments"][1] = {
        "id": 1, "name": "Rede Sandbox", "description": "Rede social livre de demonstração do apiplay.",
        "layout_template": "default", "signup_intro": "Crie sua conta e participe das comunidades.",
        "terms_of_use": "Respeite as pessoas e as regras de cada comunidade.",
        "contact_email": "contato@rede.sandbox.example", "host": "http://rede.sandbox.example",
        "theme": "base", "settings": {"enabled_plugins": ["CommentParagraphPlugin",
                                                          "PushNotificationPlugin"],
                                      "signup_fields": ["name", "email", "login"]},
    }
    for i, (name, parent, color) in enumerate(CATEGORIES, start=1):
        db["categories"][i] = {"id": i, "name": name, "slug": slugify(name),
                               "parent_id": None if parent is None else parent + 1,
                               "display_color": color, "type": "Region" if i >= 15 else "Category"}
    # people
    pid = 0
    names_seen: set[str] = set()
    for n in range(N_PEOPLE):
        pid += 1
        if n == 0:
            name, login = "Ana Beatriz Souza", "ana"
        elif n == 1:
            name, login = "Administração da Rede", "admin"
        else:
            while True:
                name = f"{r.choice(FIRST)} {r.choice(LAST)} {r.choice(LAST)}"
                if name not in names_seen:
                    break
            login = slugify(name).replace("-", ".")
        names_seen.add(name)
        city, state = CITIES[n % len(CITIES)]
        created = _ts(r)
        db["profiles"][pid] = {
            "id": pid, "type": "Person", "name": name, "identifier": login.replace(".", "-") if n > 1 else login,
            "created_at": created, "updated_at": min(BASE_S, created + r.randint(0, 86400 * 30)),
            "city": city, "state": state, "country": "BR", "email": f"{login}@rede.sandbox.example",
            "public_fields": {"city", "state", "country"} if n % 3 else {"city", "state", "country", "email"},
            "members": set(), "admins": set(), "description": "", "closed": False,
            "tags": [r.choice(TAGS)], "category_ids": [r.randint(1, 14)], "visible": True,
        }
        uid = pid
        db["users"][uid] = {
            "id": uid, "login": login, "email": f"{login}@rede.sandbox.example",
            "password": PASSWORD, "person_id": pid, "activated": True,
            "private_token": hex_token("noosfero", "private_token", login),
            "activation_code": hex_token("noosfero", "activation", login, length=20),
            "env_admin": login == "admin",
        }
    people_ids = list(range(1, N_PEOPLE + 1))
    # communities
    combos = [(k, t, c) for t in TOPICS for c in CITIES for k in KINDS[:1]]
    r.shuffle(combos)
    extra = [(k, t, c) for k in KINDS[1:] for t in TOPICS for c in CITIES]
    r.shuffle(extra)
    combos = (combos + extra)[:N_COMMUNITIES]
    for kind, topic, (city, state) in combos:
        pid += 1
        name = f"{kind} {topic} {city}"
        created = _ts(r)
        members = set(r.sample(people_ids, r.randint(3, 40)))
        admins = {r.choice(sorted(members))}
        if pid - N_PEOPLE <= 6:  # ana runs the first six communities
            admins.add(1)
            members.add(1)
        elif pid % 9 == 0:
            members.add(1)
        members |= admins
        db["profiles"][pid] = {
            "id": pid, "type": "Community", "name": name, "identifier": slugify(name),
            "created_at": created, "updated_at": min(BASE_S, created + r.randint(0, 86400 * 60)),
            "city": city, "state": state, "country": "BR",
            "description": f"Espaço de encontro de quem se interessa por {topic.lower()} em {city}.",
            "closed": r.random() < 0.15, "members": members, "admins": admins,
            "tags": r.sample(TAGS, 2), "category_ids": [1 + TOPICS.index(topic) % 14],
            "visible": True, "public_fields": set(),
        }
    community_ids = list(range(N_PEOPLE + 1, pid + 1))
    for ename in ENTERPRISES:
        pid += 1
        created = _ts(r)
        city, state = r.choice(CITIES)
        owner = r.choice(people_ids)
        db["profiles"][pid] = {
            "id": pid, "type": "Enterprise", "name": ename, "identifier": slugify(ename),
            "created_at": created, "updated_at": created, "city": city, "state": state,
            "country": "BR", "description": f"{ename}, empreendimento de {city}.", "closed": False,
            "members": {owner, 1} if pid % 4 == 0 else {owner}, "admins": {owner},
            "tags": [r.choice(TAGS)], "category_ids": [5], "visible": True, "public_fields": set(),
        }
    enterprise_ids = list(range(community_ids[-1] + 1, pid + 1))
    # friendships
    for a in people_ids:
        for b in r.sample(people_ids, 4):
            if a != b:
                db["friendships"].add((min(a, b), max(a, b)))
    db["friendships"] |= {(1, 2), (1, 3), (1, 4), (1, 5)}
    # articles: blogs/folders first, then texts (some inside them), events, files
    aid = 0
    containers: list[int] = []
    owners = community_ids[:40] + people_ids[:10]
    for owner in owners[:30]:
        aid += 1
        kind = "Blog" if aid % 3 else "Folder"
        prof = db["profiles"][owner]
        author = owner if prof["type"] == "Person" else min(prof["admins"])
        created = _ts(r, 1000, 600)
        db["articles"][aid] = _article(aid, kind, "Blog" if kind == "Blog" else "Documentos",
                                       "", owner, author, created, r, None)
        containers.append(aid)
    while aid < N_ARTICLES:
        aid += 1
        topic = r.choice(TOPICS)
        city, _ = r.choice(CITIES)
        title = r.choice(TITLES).format(topic=topic.lower() if r.random() < 0.5 else topic, city=city,
                                        month=r.choice(MONTHS))
        parent = r.choice(containers) if r.random() < 0.35 else None
        if parent is not None:
            owner = db["articles"][parent]["profile_id"]
        elif aid % 23 == 0:
            owner = enterprise_ids[aid % len(enterprise_ids)]
        else:
            owner = r.choice(community_ids if r.random() < 0.75 else people_ids[:60])
        prof = db["profiles"][owner]
        author = owner if prof["type"] == "Person" else r.choice(sorted(prof["members"]))
        kind = "TextArticle"
        if aid % 17 == 0:
            kind = "Event"
        elif aid % 29 == 0:
            kind = "UploadedFile"
        body = "".join(f"<p>{s}</p>" for s in r.sample(SENTENCES, r.randint(2, 5)))
        db["articles"][aid] = _article(aid, kind, title, body, owner, author, _ts(r, 600), r, parent)
    seen_paths: set[tuple[int, int | None, str]] = set()
    for art in db["articles"].values():  # slugs unique within a profile and folder, as Noosfero keeps them
        key = (art["profile_id"], art["parent_id"], art["slug"])
        if key in seen_paths:
            art["slug"] = f"{art['slug']}-{art['id']}"
            key = (art["profile_id"], art["parent_id"], art["slug"])
        seen_paths.add(key)
    # ana writes in her first community, so edits by her are allowed
    for a in list(db["articles"].values())[:3]:
        a["author_id"] = 1
    # comments
    cid = 0
    for art in db["articles"].values():
        if art["type"] in ("Blog", "Folder"):
            continue
        for k in range(r.randint(0, 8)):
            cid += 1
            reply_of = cid - 1 if k > 0 and r.random() < 0.25 else None
            db["comments"][cid] = {
                "id": cid, "article_id": art["id"], "body": r.choice(COMMENTS),
                "title": None, "author_id": r.choice(people_ids),
                "created_at": min(BASE_S, art["created_at"] + r.randint(600, 86400 * 20)), "reply_of_id": reply_of,
                "paragraph_uuid": None,
            }
    # votes and follows
    for art_id in range(31, 31 + 25):
        db["votes"][(1, art_id)] = 1
    for art_id in range(40, 52):
        db["follows"].add((1, art_id))
    # tasks
    task_types = ["AddMember", "AddFriend", "ApproveArticle", "SuggestArticle", "AbuseComplaint",
                  "CreateCommunity"]
    for tid in range(1, 61):
        ttype = task_types[tid % len(task_types)]
        target = community_ids[tid % 6] if ttype in ("AddMember", "ApproveArticle", "SuggestArticle") else (
            1 if ttype == "AddFriend" else None)
        if tid % 10 == 7:  # enterprises get membership requests too
            ttype, target = "AddMember", enterprise_ids[tid % len(enterprise_ids)]
        db["tasks"][tid] = {
            "id": tid, "type": ttype, "requestor_id": r.choice(people_ids[5:]),
            "target_id": target, "target_type": "Environment" if target is None else "Profile",
            "status": 1 if tid % 5 else 3, "created_at": _ts(r, 120),
            "data": {"message": "Gostaria de participar."} if ttype == "AddMember" else {},
            "reject_details": ttype == "AddMember", "accept_details": ttype == "ApproveArticle",
        }
    db["domains"] = {
        1: {"id": 1, "name": "rede.sandbox.example", "is_default": True, "owner_type": "Environment",
            "owner_id": 1},
        2: {"id": 2, "name": "softwarelivre.sandbox.example", "is_default": False,
            "owner_type": "Profile", "owner_id": N_PEOPLE + 1},
        3: {"id": 3, "name": "ana.sandbox.example", "is_default": False, "owner_type": "Profile",
            "owner_id": 1},
    }
    # scraps on ana's wall
    for sid in range(1, 13):
        db["scraps"][sid] = {"id": sid, "content": r.choice(COMMENTS), "sender_id": r.choice(people_ids),
                             "receiver_id": 1, "scrap_id": None if sid % 3 else sid - 1,
                             "created_at": _ts(r, 90)}
    return db


def _article(aid: int, kind: str, title: str, body: str, owner: int, author: int, created: int,
             r, parent: int | None) -> dict[str, Any]:
    slug = slugify(title) or f"artigo-{aid}"
    art = {
        "id": aid, "type": kind, "title": title, "name": title, "body": body,
        "abstract": body[:120].replace("<p>", "").replace("</p>", " ").strip() if body else None,
        "profile_id": owner, "author_id": author, "parent_id": parent, "slug": slug,
        "created_at": created, "updated_at": min(BASE_S, created + r.randint(0, 86400 * 10)),
        "published": True, "access": 0, "accept_comments": kind not in ("Folder",),
        "hits": r.randint(0, 3000), "tags": r.sample(TAGS, r.randint(0, 3)),
        "category_ids": [r.randint(1, 14)] if r.random() < 0.6 else [], "archived": False,
        "position": None, "start_date": None, "end_date": None, "mime_type": None, "size": None,
    }
    if kind == "Event":
        art["start_date"] = created + 86400 * 10
        art["end_date"] = created + 86400 * 10 + 3 * 3600
    if kind == "UploadedFile":
        art["mime_type"] = "application/pdf"
        art["size"] = r.randint(20_000, 2_000_000)
        art["title"] = art["name"] = f"documento-{aid}.pdf"
        art["slug"] = f"documento-{aid}-pdf"
    if kind in ("Blog", "Folder"):
        art["slug"] = slugify(title)
    return art
