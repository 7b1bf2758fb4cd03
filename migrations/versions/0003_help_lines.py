"""help lines: the lines an organisation shows on the safety page, in the lobby and after a
meeting; seeded with Denmark's national hotline 1888 and the emergency number 112

The seed rows are written out here rather than imported from server/helplines.py: a migration
must keep doing what it did when it was written, whatever the code says later.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    help_lines = op.create_table('help_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('hours', sa.String(length=120), nullable=False),
    sa.Column('languages', sa.String(length=120), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_lines'))
    )
    # In the organisations' language, as an administrator would enter them (they edit them in
    # Administration → Help lines).
    op.bulk_insert(help_lines, [
        {
            'name': 'Lev Uden Vold – national hotline om vold',
            'number': '1888',
            'hours': 'Døgnåben, gratis og anonym',
            'languages': 'Dansk, English',
            'note': None,
            'position': 1,
        },
        {
            'name': 'Alarmcentralen (politi, ambulance)',
            'number': '112',
            'hours': 'Døgnåben',
            'languages': 'Dansk, English',
            'note': 'Ved akut fare',
            'position': 2,
        },
    ])


def downgrade():
    op.drop_table('help_lines')
