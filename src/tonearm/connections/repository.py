"""Connections queries, every one scoped by the user (the OAuth callback finds its flow by
the state's hash, which only the user's browser carried)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.models.connections import Connection, ConnectionApp, OAuthFlow


class ConnectionsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def connections(self, user_id: uuid.UUID) -> list[Connection]:
        stmt = select(Connection).where(Connection.user_id == user_id)
        return list((await self.s.scalars(stmt)).all())

    async def connection(self, user_id: uuid.UUID, provider: str) -> Connection | None:
        return await self.s.scalar(
            select(Connection).where(Connection.user_id == user_id, Connection.provider == provider)
        )

    async def connection_by_id(
        self, connection_id: uuid.UUID, *, lock: bool = False
    ) -> Connection | None:
        """For the token keeper, which holds an id handed out by a scoped look-up."""
        stmt = select(Connection).where(Connection.id == connection_id)
        if lock:
            stmt = stmt.with_for_update()
        return await self.s.scalar(stmt)

    async def apps(self, user_id: uuid.UUID) -> list[ConnectionApp]:
        stmt = select(ConnectionApp).where(ConnectionApp.user_id == user_id)
        return list((await self.s.scalars(stmt)).all())

    async def app(self, user_id: uuid.UUID, provider: str) -> ConnectionApp | None:
        return await self.s.scalar(
            select(ConnectionApp).where(
                ConnectionApp.user_id == user_id, ConnectionApp.provider == provider
            )
        )

    async def add_flow(self, flow: OAuthFlow) -> None:
        self.s.add(flow)
        await self.s.flush()

    async def take_flow(self, state_hash: str, provider: str) -> OAuthFlow | None:
        """The flow, deleted: a state is good once."""
        flow = await self.s.scalar(
            select(OAuthFlow).where(
                OAuthFlow.state_hash == state_hash, OAuthFlow.provider == provider
            )
        )
        if flow is not None:
            await self.s.delete(flow)
            await self.s.flush()
        return flow

    async def drop_expired_flows(self, now: datetime) -> int:
        result = await self.s.execute(delete(OAuthFlow).where(OAuthFlow.expires_at < now))
        return int(getattr(result, "rowcount", 0) or 0)
