from academy.models import Role


def test_home_requires_login(client):
    r = client.get("/")
    assert r.status_code == 302 and "/anmelden" in r.headers["Location"]


def test_login_form(client, make, db):
    u = make.user(Role.HR)
    db.session.commit()
    r = client.post("/anmelden", data={"email": u.email, "password": make.PASSWORD})
    assert r.status_code == 302, r.data
    r = client.get("/")
    assert r.status_code == 200
    assert "Welcome" in r.get_data(as_text=True) or "Willkommen" in r.get_data(as_text=True)


def test_login_as(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/").status_code == 200
