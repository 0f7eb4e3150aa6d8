import { SqliteStorage } from './SqliteStorage.ts'
import { storageContract } from './storageContract.ts'

storageContract('SqliteStorage', () => new SqliteStorage(':memory:'))
