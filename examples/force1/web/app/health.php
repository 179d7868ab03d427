<?php
// Healthy when the database and Redis answer: the gate Berth waits for after a deploy.
header('Content-Type: application/json');
$ok = ['db' => false, 'redis' => false];
try {
    $pdo = new PDO('mysql:host=' . getenv('APP_DB_HOST') . ';dbname=' . getenv('APP_DB_NAME'),
        getenv('APP_DB_USER'), getenv('APP_DB_PASSWORD'), [PDO::ATTR_TIMEOUT => 2]);
    $ok['db'] = $pdo->query('SELECT 1')->fetchColumn() == 1;
} catch (Throwable $e) {
}
try {
    $redis = new Redis();
    $ok['redis'] = $redis->connect(getenv('APP_REDIS_HOST'), 6379, 2) && $redis->ping();
} catch (Throwable $e) {
}
if (getenv('APP_INSTALL_FORCE') === '1' && $ok['db']) {
    touch('/var/www/data/installed');
}
http_response_code($ok['db'] && $ok['redis'] ? 200 : 503);
echo json_encode($ok), "\n";
