from fastapi import FastAPI

api = FastAPI(title="vendas")


@api.get("/healthz")
def health():
    return {"ok": True}
