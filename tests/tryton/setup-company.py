#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# setup-company.py CONFIG DATABASE PASSWORD-FILE: after trytond-admin has activated
# sale_opportunity, give the database what the module needs to take opportunities (a currency, a
# company whose party is "Foyer Test Fair Ltd.", the admin attached to it) and a "foyer" user in
# the opportunity group with the password read from PASSWORD-FILE ("foyer-nogroups": the same
# password, no groups; "foyer-nocompany": the groups, no company).
import sys
from decimal import Decimal

conf, dbname, passfile = sys.argv[1:4]

from trytond.config import config  # noqa: E402
config.update_etc(conf)

from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

Pool.start()
pool = Pool(dbname)
pool.init()

with open(passfile, encoding='utf-8') as f:
    password = f.read().strip()

with Transaction().start(dbname, 0, context={'active_test': False}):
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    User = pool.get('res.user')
    Group = pool.get('res.group')
    ModelData = pool.get('ir.model.data')

    currency, = Currency.create([{
        'name': 'Renminbi', 'code': 'CNY', 'symbol': '¥',
        'digits': 2, 'rounding': Decimal('0.01'),
        }])
    party, = Party.create([{'name': 'Foyer Test Fair Ltd.', 'addresses': []}])
    company, = Company.create([{'party': party.id, 'currency': currency.id}])

    admin, = User.search([('login', '=', 'admin')])
    User.write([admin], {
        'companies': [('add', [company.id])],
        'company': company.id,
        })

    groups = [ModelData.get_id('sale_opportunity', 'group_opportunity'),
        ModelData.get_id('party', 'group_party_admin')]
    User.create([{
        'name': 'Foyer kiosk',
        'login': 'foyer',
        'password': password,
        'companies': [('add', [company.id])],
        'company': company.id,
        'groups': [('add', groups)],
        }])
    # a user Foyer may log in as but that lacks the opportunity group
    User.create([{
        'name': 'Foyer without groups',
        'login': 'foyer-nogroups',
        'password': password,
        'companies': [('add', [company.id])],
        'company': company.id,
        }])
    # a user in the right groups that belongs to no company: Tryton's "User in companies" rule
    # refuses every opportunity it creates
    User.create([{
        'name': 'Foyer without company',
        'login': 'foyer-nocompany',
        'password': password,
        'groups': [('add', groups)],
        }])
    Transaction().commit()
print('company=%d' % company.id)
